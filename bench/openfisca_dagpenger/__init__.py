"""A small OpenFisca tax-benefit system: dagpenger's six vilkår and the outcome.

The same rules as rules/folketrygd/dagpenger.regel (and /work/shared/contract/benefits.md),
written with OpenFisca's own API: one person entity, input variables named like the rulelang
facts, one variable per vilkår (`vilkår_<id>`), `dagpenger_utfall` (an Enum), and dated
parameters in parameters/ (G, the pandemic thresholds for minsteinntekt and tap av arbeidstid,
the 40-hour cap, the fiskeindustri threshold, the age limit). Every variable is defined per DAY:
the period is the prøvingsdato, so parameters are taken on that day.

Exactness: OpenFisca stores `float` variables as float32. Kroner below 2^24 (16.7 M) are exact
in float32, and the generated incomes stay below that. Hours are compared in whole tenths
(rounded from the float32 value) against integer percentages, so `40 h -> 20 h` is exactly 50 %
as in rulelang. This is the only place the encoding departs from the obvious float formula
`(v - ny) / v >= 0.5`, which fails on boundaries such as 35.5 h -> 21.3 h (40 %).

Only the vilkår and the outcome are encoded (no amounts, no explanation texts): this is the
peer that the benchmark compares with rulelang's full decision, which does more.

Usage:
    from bench.openfisca_dagpenger import DagpengerSystem
    tbs = DagpengerSystem()
"""
from __future__ import annotations

import os

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.model_api import DAY, ETERNITY, Variable, date, min_
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

PARAMETERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parameters")

Person = build_entity(key="person", plural="persons", label="Søker", is_person=True)

CONDITIONS = ("opphold_i_norge", "tap_av_arbeidstid", "minsteinntekt", "reell_arbeidssøker",
              "registrert_som_arbeidssøker", "alder")


# --- inputs (the facts of benefits.md; antall_barn is read only by amounts, not encoded) ---

class fødselsdato(Variable):
    value_type = date
    entity = Person
    definition_period = ETERNITY
    label = "Fødselsdato"


class arbeidsinntekt_siste_12_mnd(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "Arbeidsinntekt siste 12 avsluttede kalendermåneder (kr)"


class arbeidsinntekt_siste_36_mnd(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "Arbeidsinntekt siste 36 avsluttede kalendermåneder (kr)"


class vanlig_arbeidstid(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "Vanlig arbeidstid, timer per uke"


class ny_arbeidstid(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "Ny arbeidstid, timer per uke"


def _flag(name, text):
    return type(name, (Variable,), {"value_type": bool, "entity": Person,
                                    "definition_period": DAY, "label": text})


oppholder_seg_i_norge = _flag("oppholder_seg_i_norge", "Oppholder seg i Norge")
reell_arbeidssøker = _flag("reell_arbeidssøker", "Reell arbeidssøker")
registrert_som_arbeidssøker = _flag("registrert_som_arbeidssøker", "Registrert som arbeidssøker")
avtjent_verneplikt = _flag("avtjent_verneplikt", "Har avtjent verneplikt")
permittert_fra_fiskeindustrien = _flag("permittert_fra_fiskeindustrien",
                                       "Permittert fra fiskeindustrien")


# --- the six vilkår ---

class vilkår_opphold_i_norge(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Opphold i Norge"
    reference = "folketrygdloven § 4-2"

    def formula(person, period, parameters):
        return person("oppholder_seg_i_norge", period)


class begrenset_arbeidstid(Variable):
    value_type = float
    entity = Person
    definition_period = DAY
    label = "Vanlig arbeidstid, høyst 40 timer"

    def formula(person, period, parameters):
        cap = parameters(period).dagpenger.maks_vanlig_arbeidstid
        return min_(person("vanlig_arbeidstid", period), cap)


class vilkår_tap_av_arbeidstid(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Tap av arbeidstid"
    reference = "folketrygdloven § 4-3 andre ledd; dagpengeforskriften § 6-7"

    def formula(person, period, parameters):
        p = parameters(period).dagpenger
        # whole tenths of an hour, so that the percentage test is exact integer arithmetic
        v10 = np.rint(person("begrenset_arbeidstid", period).astype(np.float64) * 10)
        ny10 = np.rint(person("ny_arbeidstid", period).astype(np.float64) * 10)
        krav = np.where(person("permittert_fra_fiskeindustrien", period),
                        min(p.tap_av_arbeidstid_fiskeindustri_prosent, p.tap_av_arbeidstid_prosent),
                        p.tap_av_arbeidstid_prosent)
        return (v10 > 0) & ((v10 - ny10) * 100 >= krav * v10)


class vilkår_minsteinntekt(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Krav til minsteinntekt"
    reference = "folketrygdloven § 4-4 første ledd; § 4-19"

    def formula(person, period, parameters):
        p = parameters(period)
        g = p.grunnbelop
        a12 = person("arbeidsinntekt_siste_12_mnd", period).astype(np.float64)
        a36 = person("arbeidsinntekt_siste_36_mnd", period).astype(np.float64)
        inntekt = ((a12 >= p.dagpenger.minsteinntekt_faktor_12_mnd * g)
                   | (a36 >= p.dagpenger.minsteinntekt_faktor_36_mnd * g))
        return inntekt | person("avtjent_verneplikt", period)


class vilkår_reell_arbeidssøker(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Reell arbeidssøker"
    reference = "folketrygdloven § 4-5"

    def formula(person, period, parameters):
        return person("reell_arbeidssøker", period)


class vilkår_registrert_som_arbeidssøker(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Registrert som arbeidssøker"
    reference = "folketrygdloven § 4-8"

    def formula(person, period, parameters):
        return person("registrert_som_arbeidssøker", period)


class vilkår_alder(Variable):
    value_type = bool
    entity = Person
    definition_period = DAY
    label = "Alder"
    reference = "folketrygdloven § 4-23"

    def formula(person, period, parameters):
        # The month of the 67th birthday is 67 × 12 months after the birth month (29 February
        # falls in February too); its last day is the first day of the next month minus one.
        born = person("fødselsdato", period)  # an ETERNITY input, read for the day
        years = int(parameters(period).dagpenger.aldersgrense)
        month = born.astype("datetime64[M]") + (years * 12 + 1)
        last_day = month.astype("datetime64[D]") - np.timedelta64(1, "D")
        return np.datetime64(str(period.start), "D") <= last_day


class Utfall(Enum):
    innvilget = "granted"
    avslag = "denied"


class dagpenger_utfall(Variable):
    value_type = Enum
    possible_values = Utfall
    default_value = Utfall.avslag
    entity = Person
    definition_period = DAY
    label = "Utfall: innvilget når alle vilkårene er oppfylt"

    def formula(person, period, parameters):
        met = person("vilkår_opphold_i_norge", period)
        for cid in CONDITIONS[1:]:
            met = met & person(f"vilkår_{cid}", period)
        return np.where(met, Utfall.innvilget, Utfall.avslag)


INPUTS = (fødselsdato, arbeidsinntekt_siste_12_mnd, arbeidsinntekt_siste_36_mnd,
          vanlig_arbeidstid, ny_arbeidstid, oppholder_seg_i_norge, reell_arbeidssøker,
          registrert_som_arbeidssøker, avtjent_verneplikt, permittert_fra_fiskeindustrien)
FORMULAS = (vilkår_opphold_i_norge, begrenset_arbeidstid, vilkår_tap_av_arbeidstid,
            vilkår_minsteinntekt, vilkår_reell_arbeidssøker,
            vilkår_registrert_som_arbeidssøker, vilkår_alder, dagpenger_utfall)
INPUT_NAMES = tuple(v.__name__ for v in INPUTS)


class DagpengerSystem(TaxBenefitSystem):
    """The tax-benefit system: the person entity, the variables and the parameters."""

    def __init__(self):
        super().__init__([Person])
        for var in INPUTS + FORMULAS:
            self.add_variable(var)
        self.load_parameters(PARAMETERS)

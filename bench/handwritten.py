"""Dagpenger's six vilkår as one hand-written Python function: the practical limit.

What a careful developer would write by hand for the same rules as
rules/folketrygd/dagpenger.regel: G and the pandemic thresholds looked up by date (not
hard-coded), exact arithmetic (int kroner, Decimal hours, so 40 h -> 20 h is exactly 50 %),
unknown facts (None / absent) giving an "unknown" vilkår (Kleene), and a full explanation tree:
per vilkår its status, the basis, the values used and the threshold it was held against. No
amounts, texts or appeal route: those are what rulelang's full decision adds on top.

    from bench.handwritten import dagpenger
    tree = dagpenger(facts, "2025-06-02")
    tree["outcome"]            # "granted" | "denied" | "undetermined"
    tree["conditions"][1]      # {"id": "tap_av_arbeidstid", "status": "met", "values": {...},
                               #  "threshold": {...}, "basis": "...", "exception": ...}
"""
from __future__ import annotations

import bisect
import datetime as dt
import functools
from decimal import Decimal

# G (folketrygdloven § 1-4), from rules/folketrygd/grunnbelop.regel
_G = [(dt.date(2019, 5, 1), 99_858), (dt.date(2020, 5, 1), 101_351),
      (dt.date(2021, 5, 1), 106_399), (dt.date(2022, 5, 1), 111_477),
      (dt.date(2023, 5, 1), 118_620), (dt.date(2024, 5, 1), 124_028),
      (dt.date(2025, 5, 1), 130_160), (dt.date(2026, 5, 1), 136_549)]
_G_FROM = [d for d, _ in _G]
_G_END = dt.date(2027, 4, 30)
# The three pandemic periods (midlertidig forskrift 20. mars 2020 nr. 368)
_PANDEMIC = ((dt.date(2020, 3, 20), dt.date(2020, 10, 31)),
             (dt.date(2021, 2, 19), dt.date(2021, 9, 30)),
             (dt.date(2021, 12, 15), dt.date(2022, 3, 31)))
_HALF, _FORTY, _CAP = Decimal("0.5"), Decimal("0.4"), Decimal(40)
# minsteinntekt in G: (12 months, 36 months)
_MIN_NORMAL, _MIN_PANDEMIC = (Decimal("1.5"), Decimal(3)), (Decimal("0.75"), Decimal("2.25"))


@functools.lru_cache(maxsize=64)
def _params(on: dt.date):
    """G, the thresholds and whether the date is in a pandemic period, once per date."""
    i = bisect.bisect_right(_G_FROM, on) - 1
    if i < 0 or on > _G_END:
        raise ValueError(f"no G on {on}")
    g = _G[i][1]
    pandemic = any(a <= on <= b for a, b in _PANDEMIC)
    f12, f36 = _MIN_PANDEMIC if pandemic else _MIN_NORMAL
    return g, pandemic, (_FORTY if pandemic else _HALF), f12 * g, f36 * g


def _dec(x):
    """A fact number as an exact value: int stays int, a float is its shortest decimal."""
    t = type(x)
    if t is int or x is None:
        return x
    return Decimal(repr(x)) if t is float else Decimal(x)


_STATUS = {True: "met", False: "not_met", None: "unknown"}


def dagpenger(facts: dict, on) -> dict:
    """The outcome and an explanation tree for one case (facts as JSON gives them)."""
    if isinstance(on, str):
        on = dt.date.fromisoformat(on)
    g, pandemic, krav, krav12, krav36 = _params(on)
    get = facts.get

    # § 4-2 opphold i Norge
    opphold = get("oppholder_seg_i_norge")
    c1 = {"id": "opphold_i_norge", "basis": "folketrygdloven § 4-2", "status": _STATUS[opphold],
          "values": {"oppholder_seg_i_norge": opphold}, "threshold": {"equals": True}}

    # § 4-3 andre ledd tap av arbeidstid, v = min(vanlig, 40); 40 % for fiskeindustri/pandemi
    vanlig, ny = _dec(get("vanlig_arbeidstid")), _dec(get("ny_arbeidstid"))
    fisk = get("permittert_fra_fiskeindustrien")
    exception = None
    if vanlig is None:
        met2, v, andel = None, None, None
    else:
        v = min(vanlig, _CAP)
        if v <= 0:
            met2, andel = False, None
        elif ny is None:
            met2, andel = None, None
        else:
            andel = (v - ny) / v
            met2 = andel >= krav
            if not met2 and krav > _FORTY:   # the fiskeindustri exception (forskrift § 6-7)
                if fisk is None:
                    met2 = None if andel >= _FORTY else False
                elif fisk and andel >= _FORTY:
                    met2, krav, exception = True, _FORTY, "permittert_fra_fiskeindustrien"
    c2 = {"id": "tap_av_arbeidstid", "basis": "folketrygdloven § 4-3 andre ledd",
          "status": _STATUS[met2],
          "values": {"vanlig_arbeidstid": vanlig, "begrenset_arbeidstid": v, "ny_arbeidstid": ny,
                     "tapt_andel": andel, "permittert_fra_fiskeindustrien": fisk},
          "threshold": {"tapt_andel_minst": krav, "vanlig_arbeidstid_høyst": _CAP},
          "exception": exception}

    # § 4-4 første ledd minsteinntekt, § 4-19 verneplikt
    a12, a36 = _dec(get("arbeidsinntekt_siste_12_mnd")), _dec(get("arbeidsinntekt_siste_36_mnd"))
    r12 = None if a12 is None else a12 >= krav12
    r36 = None if a36 is None else a36 >= krav36
    met3 = True if (r12 or r36) else (None if r12 is None or r36 is None else False)
    verneplikt = get("avtjent_verneplikt")
    exception = None
    if met3 is not True:
        if verneplikt:
            met3, exception = True, "avtjent_verneplikt"
        elif verneplikt is None:
            met3 = None
    c3 = {"id": "minsteinntekt", "basis": "folketrygdloven § 4-4 første ledd",
          "status": _STATUS[met3],
          "values": {"arbeidsinntekt_siste_12_mnd": a12, "arbeidsinntekt_siste_36_mnd": a36,
                     "avtjent_verneplikt": verneplikt, "G": g},
          "threshold": {"siste_12_mnd_minst": krav12, "siste_36_mnd_minst": krav36},
          "exception": exception}

    # § 4-5 reell arbeidssøker (skjønn), § 4-8 registrert
    reell = get("reell_arbeidssøker")
    c4 = {"id": "reell_arbeidssøker", "basis": "folketrygdloven § 4-5", "status": _STATUS[reell],
          "discretionary": True, "values": {"reell_arbeidssøker": reell},
          "threshold": {"equals": True}}
    reg = get("registrert_som_arbeidssøker")
    c5 = {"id": "registrert_som_arbeidssøker", "basis": "folketrygdloven § 4-8",
          "status": _STATUS[reg], "values": {"registrert_som_arbeidssøker": reg},
          "threshold": {"equals": True}}

    # § 4-23 til og med siste dag i måneden man fyller 67
    # on or before the last day of month M  <=>  (year, month) of the date <= M
    born = get("fødselsdato")
    if born is None:
        last = met6 = None
    else:
        if type(born) is str:
            born = dt.date.fromisoformat(born)
        last = (born.year + 67, born.month)
        met6 = (on.year, on.month) <= last
    c6 = {"id": "alder", "basis": "folketrygdloven § 4-23", "status": _STATUS[met6],
          "values": {"fødselsdato": born, "prøvingsdato": on},
          "threshold": {"til_og_med_måned_man_fyller_67": last}}

    conditions = [c1, c2, c3, c4, c5, c6]
    statuses = [c["status"] for c in conditions]
    outcome = ("denied" if "not_met" in statuses else
               "undetermined" if "unknown" in statuses else "granted")
    return {"benefit": "dagpenger", "date": on, "outcome": outcome,
            "not_met": [c["id"] for c in conditions if c["status"] == "not_met"],
            "conditions": conditions}

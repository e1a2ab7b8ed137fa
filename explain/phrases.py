"""The phrase tables of explanations, one per language (bokmål `nb`, nynorsk `nn`).

Input: nothing (a data module). Output: `PHRASES[lang][key]`, `LAW_NAMES[lang]`, `UNITS[lang]`.

Every sentence `explain/explanation.py` builds comes from these tables, filled in with texts from
the rule files (fact descriptions, titles) and the person's own figures. Nothing here names a
benefit: a new benefit gets explanations in both languages from its rule file alone. Both tables
must have the same keys (tests/test_explain.py checks it). The wording follows klarspråk: short
sentences, "du" and "vi", few long words (the letters are held to LIX ≤ 40).
"""
from __future__ import annotations

NB = {
    # -- a comparison: "Arbeidsinntekten din … var 150 000 kr. Kravet er minst 1,5 ganger
    #    grunnbeløpet, som er 195 240 kr. Du mangler 45 240 kr for å oppfylle kravet."
    "was": "{subject} var {value}.",
    "not_given": "{subject} er ikke oppgitt.",
    "not_known": "{subject} er ikke kjent.",
    "requirement": "Kravet er {word}{rhs}.",
    "requirement_value": "Kravet er {word}{rhs}, som er {value}.",
    "short": "Du mangler {diff} for å oppfylle kravet.",
    "short_more": "Du mangler mer enn {diff} for å oppfylle kravet.",
    "short_or": "Du mangler {diff} for å oppfylle ett av kravene.",
    "short_or_more": "Du mangler mer enn {diff} for å oppfylle ett av kravene.",
    "over": "Det er {diff} mer enn kravet gir rom for.",
    "over_more": "Det må bli mer enn {diff} lavere for å oppfylle kravet.",
    "at_limit_more": "Du må over grensen for å oppfylle kravet.",
    "at_limit_less": "Du må under grensen for å oppfylle kravet.",
    # -- a yes/no fact, said as the statement the rule file gives ("Du oppholder deg i Norge")
    "true": "{statement}.",
    "false": "Det stemmer ikke at {statement}.",
    "unknown": "Vi vet ikke ennå om {statement}.",
    # -- the same where the condition rests on skjønn: the fact is our assessment
    "discretion": "Her har vi brukt skjønn.",
    "discretion_true": "Vi mener at {statement}.",
    "discretion_false": "Vi mener at det ikke stemmer at {statement}.",
    "discretion_unknown": "Vi har ikke vurdert ennå om {statement}.",
    # -- exceptions (unntak)
    "exception_applies": "Unntaket «{title}» gjelder for deg ({basis}).",
    "exception_not": "Unntaket «{title}» gjelder ikke for deg ({basis}).",
    "exception_unknown": "Unntaket «{title}» kan gjelde for deg ({basis}).",
    "if_exception_requirement": "Hvis unntaket gjelder, er kravet {word}{rhs}.",
    "if_exception_met": "Hvis unntaket gjelder, er vilkåret oppfylt.",
    "if_true_requirement": "Hvis det stemmer, er kravet {word}{rhs}.",
    "if_exception_not_applicable": "Hvis unntaket gjelder, gjelder ikke vilkåret for deg.",
    "exception_applies_plain": "Unntaket i {basis} gjelder for deg.",
    "exception_not_plain": "Unntaket i {basis} gjelder ikke for deg.",
    "exception_unknown_plain": "Unntaket i {basis} kan gjelde for deg.",
    # -- the verdict on one condition
    "status_met": "Vilkåret er oppfylt.",
    "status_not_met": "Vilkåret er ikke oppfylt.",
    "status_unknown": "Vi kan ikke avgjøre vilkåret ennå, fordi vi mangler opplysninger.",
    "status_not_applicable": "Vilkåret gjelder ikke for deg.",
    # -- requirement words before the right-hand side, for numbers and for dates
    "req_>=": "minst ", "req_>": "mer enn ", "req_<=": "høyst ", "req_<": "under ",
    "req_=": "", "req_!=": "ikke ",
    "date_>=": "tidligst ", "date_>": "etter ", "date_<=": "senest ", "date_<": "før ",
    "date_=": "", "date_!=": "ikke ",
    # -- expressions in words
    "today": "vurderingsdatoen",
    "g_one": "grunnbeløpet",
    "g_times": "{n} ganger grunnbeløpet",
    "sum": "summen av {items}",
    "minus": "{a} minus {b}",
    "negative": "minus {a}",
    "percent_of": "{p} av {x}",
    "times": "{a} ganger {b}",
    "divided": "{a} delt på {b}",
    "turns": "dagen du fyller {age} år",
    "end_of_month_turns": "siste dag i måneden du fyller {age} år",
    "end_of_month": "siste dag i måneden for {x}",
    "age": "alderen din",
    "min_of": "det minste av {items}",
    "max_of": "det største av {items}",
    "rounded": "{x}, avrundet",
    "sum_of": "summen av {x}",
    "count_of": "antallet {x}",
    "if": "{a} hvis {c}, ellers {b}",
    "yes": "ja",
    "no": "nei",
    "and": "og",
    # -- what is missing, and why it matters
    "ask_bool": "om {statement}",
    "need_condition": "vilkåret «{title}» ({basis})",
    "need_amount": "beløpet «{title}» ({basis})",
    "need_obligation": "plikten «{title}» ({basis})",
    "needed_for": "Vi trenger dette for å vurdere {items}.",
    # -- the explanation as a whole (render_explanation)
    "outcome_granted": "innvilget",
    "outcome_denied": "avslag",
    "outcome_undetermined": "ikke avgjort",
    "label_met": "oppfylt",
    "label_not_met": "ikke oppfylt",
    "label_unknown": "ikke avgjort",
    "label_not_applicable": "gjelder ikke",
    "label_discretion": "skjønn",
    "assessed_on": "Vurdert etter reglene som gjaldt {date}.",
    "missing_heading": "Dette mangler, det viktigste først:",
    "amounts_heading": "Beløp:",
    "amount_unknown": "kan ikke regnes ut ennå",
}

NN = {
    "was": "{subject} var {value}.",
    "not_given": "{subject} er ikkje oppgitt.",
    "not_known": "{subject} er ikkje kjent.",
    "requirement": "Kravet er {word}{rhs}.",
    "requirement_value": "Kravet er {word}{rhs}, som er {value}.",
    "short": "Du manglar {diff} for å oppfylle kravet.",
    "short_more": "Du manglar meir enn {diff} for å oppfylle kravet.",
    "short_or": "Du manglar {diff} for å oppfylle eitt av krava.",
    "short_or_more": "Du manglar meir enn {diff} for å oppfylle eitt av krava.",
    "over": "Det er {diff} meir enn kravet gir rom for.",
    "over_more": "Det må bli meir enn {diff} lågare for å oppfylle kravet.",
    "at_limit_more": "Du må over grensa for å oppfylle kravet.",
    "at_limit_less": "Du må under grensa for å oppfylle kravet.",
    "true": "{statement}.",
    "false": "Det stemmer ikkje at {statement}.",
    "unknown": "Vi veit ikkje enno om {statement}.",
    "discretion": "Her har vi brukt skjønn.",
    "discretion_true": "Vi meiner at {statement}.",
    "discretion_false": "Vi meiner at det ikkje stemmer at {statement}.",
    "discretion_unknown": "Vi har ikkje vurdert enno om {statement}.",
    "exception_applies": "Unntaket «{title}» gjeld for deg ({basis}).",
    "exception_not": "Unntaket «{title}» gjeld ikkje for deg ({basis}).",
    "exception_unknown": "Unntaket «{title}» kan gjelde for deg ({basis}).",
    "if_exception_requirement": "Viss unntaket gjeld, er kravet {word}{rhs}.",
    "if_exception_met": "Viss unntaket gjeld, er vilkåret oppfylt.",
    "if_true_requirement": "Viss det stemmer, er kravet {word}{rhs}.",
    "if_exception_not_applicable": "Viss unntaket gjeld, gjeld ikkje vilkåret for deg.",
    "exception_applies_plain": "Unntaket i {basis} gjeld for deg.",
    "exception_not_plain": "Unntaket i {basis} gjeld ikkje for deg.",
    "exception_unknown_plain": "Unntaket i {basis} kan gjelde for deg.",
    "status_met": "Vilkåret er oppfylt.",
    "status_not_met": "Vilkåret er ikkje oppfylt.",
    "status_unknown": "Vi kan ikkje avgjere vilkåret enno, fordi vi manglar opplysningar.",
    "status_not_applicable": "Vilkåret gjeld ikkje for deg.",
    "req_>=": "minst ", "req_>": "meir enn ", "req_<=": "høgst ", "req_<": "under ",
    "req_=": "", "req_!=": "ikkje ",
    "date_>=": "tidlegast ", "date_>": "etter ", "date_<=": "seinast ", "date_<": "før ",
    "date_=": "", "date_!=": "ikkje ",
    "today": "vurderingsdatoen",
    "g_one": "grunnbeløpet",
    "g_times": "{n} gonger grunnbeløpet",
    "sum": "summen av {items}",
    "minus": "{a} minus {b}",
    "negative": "minus {a}",
    "percent_of": "{p} av {x}",
    "times": "{a} gonger {b}",
    "divided": "{a} delt på {b}",
    "turns": "dagen du fyller {age} år",
    "end_of_month_turns": "siste dag i månaden du fyller {age} år",
    "end_of_month": "siste dag i månaden for {x}",
    "age": "alderen din",
    "min_of": "det minste av {items}",
    "max_of": "det største av {items}",
    "rounded": "{x}, avrunda",
    "sum_of": "summen av {x}",
    "count_of": "talet på {x}",
    "if": "{a} viss {c}, elles {b}",
    "yes": "ja",
    "no": "nei",
    "and": "og",
    "ask_bool": "om {statement}",
    "need_condition": "vilkåret «{title}» ({basis})",
    "need_amount": "beløpet «{title}» ({basis})",
    "need_obligation": "plikta «{title}» ({basis})",
    "needed_for": "Vi treng dette for å vurdere {items}.",
    "outcome_granted": "innvilga",
    "outcome_denied": "avslag",
    "outcome_undetermined": "ikkje avgjort",
    "label_met": "oppfylt",
    "label_not_met": "ikkje oppfylt",
    "label_unknown": "ikkje avgjort",
    "label_not_applicable": "gjeld ikkje",
    "label_discretion": "skjønn",
    "assessed_on": "Vurdert etter reglane som galdt {date}.",
    "missing_heading": "Dette manglar, det viktigaste først:",
    "amounts_heading": "Beløp:",
    "amount_unknown": "kan ikkje reknast ut enno",
}

PHRASES = {"nb": NB, "nn": NN}

# Units after a number. "prosentpoeng" is the unit of a difference between two percentages.
UNITS = {
    "nb": {"kr": "kr", "%": "%", "uker": "uker", "dager": "dager", "år": "år",
           "prosentpoeng": "prosentpoeng", "": ""},
    "nn": {"kr": "kr", "%": "%", "uker": "veker", "dager": "dagar", "år": "år",
           "prosentpoeng": "prosentpoeng", "": ""},
}

# The same units after the number 1: "1 dag", "1 uke" (nynorsk "1 veke").
UNITS_ONE = {
    "nb": {"uker": "uke", "dager": "dag"},
    "nn": {"uker": "veke", "dager": "dag"},
}

# The laws a rule file may cite (rulelang/checker.py LAWS), as nynorsk writes their names in a
# reference: "folketrygdlova § 4-4". Bokmål uses the names as the rule files write them.
LAW_NAMES = {
    "nn": {
        "folketrygdloven": "folketrygdlova",
        "dagpengeforskriften": "dagpengeforskrifta",
        "sosialtjenesteloven": "sosialtenestelova",
        "forvaltningsloven": "forvaltningslova",
        "trygderettsloven": "trygderettslova",
        "arbeidsmarkedsloven": "arbeidsmarknadslova",
        "tvisteloven": "tvistelova",
    },
}

LOCALES = {"nb": "nb_NO", "nn": "nn_NO"}

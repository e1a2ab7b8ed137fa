"""rulelang: a rules-as-code engine for Norwegian welfare law.

    from rulelang import load_rules, evaluate
    rules = load_rules("rules")
    decision = evaluate(rules, "dagpenger", facts, on="2025-06-02")
    decision.to_dict()
"""
from .batch import evaluate_many as evaluate_many
from .decision import Decision as Decision
from .errors import FactError as FactError
from .errors import InputError as InputError
from .errors import RuleCheckError as RuleCheckError
from .errors import RuleEvalError as RuleEvalError
from .errors import RulelangError as RulelangError
from .errors import RuleSyntaxError as RuleSyntaxError
from .errors import UnknownBenefitError as UnknownBenefitError
from .evaluator import evaluate as evaluate
from .loader import Rules as Rules
from .loader import load_rules as load_rules

__all__ = ["Decision", "FactError", "InputError", "RuleCheckError", "RuleEvalError",
           "RulelangError", "RuleSyntaxError", "Rules", "UnknownBenefitError", "evaluate", "evaluate_many",
           "load_rules"]

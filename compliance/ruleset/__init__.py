"""Rule packs: loading (file:line errors), the closed set of kinds, and the compiled matcher."""
from .compiled import REGEX_TIMEOUT, RuleSet
from .load import LoadedRule, builtin_rules_dir, load_rules

__all__ = ["RuleSet", "LoadedRule", "REGEX_TIMEOUT", "builtin_rules_dir", "load_rules"]

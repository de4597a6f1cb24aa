"""Stand-in for dbt's `exceptions`: a compiler error raised while linting names its message."""

from jinja2 import TemplateRuntimeError


def raise_compiler_error(message):
    raise TemplateRuntimeError(message)


def warn(message):
    return ""

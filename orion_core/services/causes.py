"""Why a module is on or off, in words for the people reading a page.

Causes are stored (``ModuleAuditEntry.cause``) and served (API, command line) as stable English
codes: "explicit", "core", "no longer needed", "required by <module>", "dependent of <module>".
A stored row cannot follow its reader's language, so pages translate the code when they show it.
"""

from __future__ import annotations

from django.utils.translation import pgettext


def cause_label(cause: str) -> str:
    """The cause in the active language; an unrecognised cause is shown as it is."""
    fixed = {
        "explicit": pgettext("module cause", "explicit"),
        "core": pgettext("module cause", "core"),
        "no longer needed": pgettext("module cause", "no longer needed"),
    }
    if cause in fixed:
        return fixed[cause]
    prefixed = {
        "required by ": pgettext("module cause", "required by %(module)s"),
        "dependent of ": pgettext("module cause", "dependent of %(module)s"),
    }
    for prefix, template in prefixed.items():
        if cause.startswith(prefix):
            return template % {"module": cause.removeprefix(prefix)}
    return cause

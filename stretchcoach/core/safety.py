"""Urgent signs that need a doctor now, not stretching.

These are the red flags public health services list for back pain. They are
shown once, before the first routine, and whenever `stretchcoach safety` runs.
"""

from __future__ import annotations

RED_FLAGS = (
    "numbness or tingling around your genitals or buttocks",
    "loss of bladder or bowel control, or difficulty peeing",
    "weakness or numbness in both legs",
    "back pain after a fall or an accident",
    "a fever, or weight loss you cannot explain, with your back pain",
)

URGENT = (
    "If you have back pain with any of these, get emergency medical care now "
    "(call your local emergency number or go to an emergency department). "
    "Do not stretch."
)

NOT_ADVICE = "stretchcoach is not medical advice and cannot diagnose anything."

SEE_SAFETY = "Urgent signs that need a doctor now: run `stretchcoach safety`."

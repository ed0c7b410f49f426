"""Everything stretchcoach says about safety and doctors, in one place.

The red flags are the urgent signs public health services list for back pain:
they are shown once, before the first routine, and whenever `stretchcoach
safety` runs. The rest repeats the catalog's rule ("if your pain persists or
worsens, stop and see a doctor") where a check-in or a stopped routine calls
for it.
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

# The last line of the help text.
HELP_NOTE = "Not medical advice: if your pain persists or worsens, stop and see a doctor."

SEE_SAFETY = "Urgent signs that need a doctor now: run `stretchcoach safety`."

STOP_ADVICE = "Stop doing these stretches and consult a doctor as soon as possible."

# Over the catalog's warning at the end of a routine stopped with "this hurts".
STOP_HEADING = "STOP — see a doctor"
STOP_TITLE = "Stop and see a doctor"

# What the voice says when "this hurts" stops a routine.
SPOKEN_STOP = "Stopping now. If your pain persists or worsens, stop these stretches and see a doctor."


# What the rule says after a routine that was stopped because it hurt, or whose pain went up.
HURT_ADVICE = f"You stopped because it hurt. {STOP_ADVICE}"
WORSENED_ADVICE = f"Your pain is worse after the routine than before it. {STOP_ADVICE}"
RISING_ADVICE = "Your pain is a little higher than before. If it keeps rising, stop and see a doctor."

# The rule in force (a stop, or pain that persists): before each routine, and in `history`.
RULE_STOP_TITLE = "Stop and see a doctor"
PERSISTS_TITLE = "Your pain persists"
SEEN_DOCTOR_HINT = (
    "Once you have seen a doctor, record it with `stretchcoach history --seen-doctor`. "
    "A routine finished later without your pain getting worse also ends this."
)
PERSISTS_HINT = "Once you have seen a doctor, record it with `stretchcoach history --seen-doctor`."
GO_ON_PROMPT = "Type yes to go on anyway, or press Enter to stop: "
GO_ON_REFUSED = (
    "not started: the rule says stop and see a doctor. To do a routine anyway, run it in a terminal and type "
    "yes when asked (--yes is not enough); once you have seen a doctor, run `stretchcoach history --seen-doctor`."
)
NOT_STARTED = "not started: stop these stretches and see a doctor."
# Said before a damaged history is moved aside: what it remembered of the rule goes with it.
NEW_HISTORY_FORGETS = (
    "A new history starts without what the old one remembers, a stop the rule was keeping included: "
    "if a routine has hurt you or made your pain worse lately, see a doctor before you go on."
)
# In the summary of a routine that ended a stop in force (completed, with check-ins, pain no higher),
# and in `history` once the rule no longer binds.
RULE_LIFTED = "The rule's stop is lifted: routines start as usual again."
STOP_LIFTED = "The stop of {day} is lifted: this routine ended without your pain getting worse."
SEEN_DOCTOR_AFTER = (
    "Follow your doctor's advice; if your pain persists or worsens, stop these stretches and see them again."
)

"""The built-in catalog, data/stretches.yaml, parsed: made by `python scripts/make_builtin_catalog.py`; do not edit.

Edit data/stretches.yaml and run that command instead; a test fails while the two differ.
"""

from stretchcoach.core.model import Breath, Catalog, Cycle, Hold, Phase, Routine, RoutineItem, Side, Stretch

CATALOG = Catalog(
    warning='If your pain persists or even worsens despite these stretches, stop doing them and consult a doctor as soon as possible. Doctors are the best way to address lingering back pain.',
    stretches=(
        Stretch(
            id='supine-hip-flexor',
            name='Supine hip flexor stretch',
            targets=(
                'hip flexors',
                'lower back',
            ),
            setup='Lie on your back with your knees bent and your feet flat on the floor.',
            steps=(
                'Bring one knee up to your chest and grab it with your hands.',
                'Use your hips and abs to push your other leg down into the stretch.',
                'Hold, then repeat on the other side.',
            ),
            feel='A stretch in the hip flexor of the leg you push down.',
            timing=Hold(
                seconds=30,
                sides=(
                    Side.LEFT,
                    Side.RIGHT,
                ),
                side_cues=(
                    'Left knee to your chest, your hands around it; push your right leg down.',
                    'Right knee to your chest, your hands around it; push your left leg down.',
                ),
                minimum=30,
            ),
            picture=(
                '          ┏━━━━╸',
                '    ╭─────┨',
                ' ●━━┷━━━━━┻━━━━━━━━━━━━━━╸',
                '▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔',
            ),
        ),
        Stretch(
            id='childs-pose',
            name="Child's pose",
            targets=(
                'lower back',
                'spine',
            ),
            setup='Kneel and sit back on your heels with your knees bent.',
            steps=(
                'Sit on your heels with your knees bent.',
                'Lower your forehead until it touches the ground.',
                'Keep your back straight while you hold the stretch.',
            ),
            feel='A gentle lengthening along your back.',
            timing=Hold(
                seconds=30,
                minimum=30,
            ),
            aka=(
                'Balasana',
            ),
            tips=(
                'If you feel pain in your lower back, place a small pillow under your stomach to help support your spine.',
            ),
            picture=(
                '             ╭──╮',
                '        ╭───╯   ┃',
                ' ━━━━━━●┛    ╺━━┻━',
                '▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔▔',
            ),
        ),
        Stretch(
            id='cat-cow',
            name='Cat-cow pose',
            targets=(
                'spine',
                'neck',
                'shoulders',
                'lower back',
            ),
            setup='Start on your hands and knees with your back in a neutral position.',
            steps=(
                'As you inhale, arch your back and look up to the ceiling.',
                'As you exhale, round your back and tuck your chin to your chest.',
                'Repeat several times, moving slowly and with deep breaths.',
                'You can hold each position for a few seconds if you need a deeper stretch.',
            ),
            feel='Your spine lengthening, and tension releasing in your lower back, neck and shoulders.',
            timing=Cycle(
                phases=(
                    Phase(
                        cue='Inhale — arch your back and look up to the ceiling',
                        seconds=4,
                        breath=Breath.INHALE,
                        picture=(
                            '●',
                            ' ╲      ╱',
                            '  ╰────╯',
                            '  ┃    ┃',
                            '▔▔┻▔▔▔▔┻▔▔',
                        ),
                    ),
                    Phase(
                        cue='Exhale — round your back and tuck your chin to your chest',
                        seconds=4,
                        breath=Breath.EXHALE,
                        picture=(
                            '  ╭────╮',
                            ' ╱      ╲',
                            '●┃      ┃',
                            '▔┻▔▔▔▔▔▔┻▔',
                        ),
                    ),
                ),
                reps=6,
                deeper=3,
                least=3,
            ),
            picture=(
                ' ●━━━━━━━━╮',
                ' ┃        ┃',
                '▔┻▔▔▔▔▔▔▔▔┻▔',
            ),
        ),
        Stretch(
            id='seated-spinal-twist',
            name='Seated spinal twist',
            targets=(
                'back muscles',
                'spine',
            ),
            setup='Sit in a chair with your back straight and your feet flat on the floor.',
            steps=(
                'Place your right hand on your left knee and your left hand on your right knee.',
                'Twist your torso to the left, then to the right.',
                'Repeat this stretch several times.',
            ),
            feel='A stretch through the muscles of your back as you turn.',
            timing=Cycle(
                phases=(
                    Phase(
                        cue='Twist to the left',
                        seconds=5,
                        picture=(
                            '◀━━●',
                            '  ╱┃╲',
                            ' ┌─┸─┐',
                            ' │   │',
                        ),
                    ),
                    Phase(
                        cue='Twist to the right',
                        seconds=5,
                        picture=(
                            '   ●━━▶',
                            '  ╱┃╲',
                            ' ┌─┸─┐',
                            ' │   │',
                        ),
                    ),
                ),
                reps=4,
                least=3,
            ),
            picture=(
                '   ●',
                '  ╱┃╲',
                ' ┌─┸─┐',
                ' │   │',
            ),
        ),
    ),
    routines=(
        Routine(
            id='back-relief',
            name='Back relief',
            description='The four stretches of the article, in its order.',
            items=(
                RoutineItem(
                    stretch='supine-hip-flexor',
                ),
                RoutineItem(
                    stretch='childs-pose',
                ),
                RoutineItem(
                    stretch='cat-cow',
                ),
                RoutineItem(
                    stretch='seated-spinal-twist',
                ),
            ),
        ),
    ),
)

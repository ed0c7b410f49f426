"""stretchcoach: a terminal coach for a short back-pain stretching routine."""

__version__ = "0.1.0"

"""The notebooks' run-time: what every notebook's first and last cells call. A learner need not read it.

  session   - the setup cell (``helpers.start``): profile, seeds, versions, devices
  profile   - run profiles (smoke, cpu, full) and each notebook's settings: the one source of them
  checks    - a lesson's claims checked against profile-aware floors, one line each
  report    - recording each notebook's numbers (build/metrics/<notebook>.json)
  results   - headlines beside our reference runs (reference/)
  rehearsal - the full profile in minutes, inside a notebook's kernel (ACV_REHEARSAL=1)

Nothing in the lesson library (``helpers``) imports this package; the maintainers' tools
(``tools/``) do.
"""

from .session import start

__all__ = ["start"]

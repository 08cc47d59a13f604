"""The notebooks' run-time: what every notebook's first and last cells call. A learner need not read it.

  session   - the first and last cells (``helpers.start``, ``helpers.finish``): profile, seeds, versions,
              devices; the claims checked, the run recorded, the headline
  lessons   - each notebook's claims with their floors per profile, and its headline: one table
  profile   - run profiles (smoke, cpu, full) and each notebook's settings: the one source of them
  checks    - a lesson's claims checked against profile-aware floors, one line each
  report    - recording each notebook's numbers (build/metrics/<notebook>.json)
  results   - headlines beside our reference runs (reference/)
  rehearsal - the full profile in minutes, inside a notebook's kernel (ACV_REHEARSAL=1)

Nothing in the lesson library (``helpers``) imports this package; the maintainers' tools
(``tools/``) do.
"""

from .session import finish, start

__all__ = ["finish", "start"]

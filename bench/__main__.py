"""``python -m bench``: the whole performance benchmark (see ``bench.run``)."""

from bench.run import main

raise SystemExit(main())

"""`python -m model.training`: train a network (the command line of model.training.train)."""

from model.training.train import main

raise SystemExit(main())

"""`python -m model.evaluation`: score the shipped model and write the report (model.evaluation.report)."""

from model.evaluation.report import main

raise SystemExit(main())

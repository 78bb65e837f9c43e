"""`python -m model.training.live`: run one /learn job (model.training.live.job.main)."""

import os
import sys

from model.training.live.job import main

code = main()
sys.stdout.flush()
os._exit(code)  # not SystemExit: the command reader thread is blocked on stdin, and must not hold up the exit

"""The /learn job: `python -m model.training.live`, one process per training run, driven by the web worker.

It reads JSON lines on stdin (a start, then commands) and writes JSON lines on stdout, each a message the
worker relays to the page as it is (docs/learn.md). It trains with model.training.trainer.Trainer, the
trainer of `make train`, and imports neither model.evaluation nor the training-only packages (tqdm, matplotlib).
"""

"""Scoring a trained network: accuracies, calibration, picture sets, scribbles, plots and the report."""

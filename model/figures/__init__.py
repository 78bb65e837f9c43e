"""The article's three figures as static SVG files: the pixel grid, one neuron, the sigmoid.

The live pages under /figures draw the same pictures in the browser (static/js/figures/); these
modules write them once, for an author who wants a file: `make figures` (python -m model.figures).
"""

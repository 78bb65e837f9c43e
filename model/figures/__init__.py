"""The article's three figures as SVG: the pixel grid, one neuron, the sigmoid.

Each figure has one renderer, here: the figure pages under /figures put its SVG in the page (app/figures.py,
POST /figures/NAME.svg; static/js/figures/ only adds the pointing and the keys), and `make figures`
(python -m model.figures) writes the same bytes to a file.
"""

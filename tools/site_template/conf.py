"""Sphinx configuration of the course site (``python -m tools.site`` stages the pages and runs Sphinx).

The lessons are the notebooks ``make run`` has just executed: MyST-NB renders their saved
outputs and executes nothing. Nothing a page needs comes from the network: Furo ships its own
CSS and scripts, the widgets' JavaScript is not loaded (each widget's saved picture shows), and
the lessons hold no equations that would need MathJax.
"""

project = "Advanced Computer Vision with TensorFlow: week 1"
author = "the acv-week1 companion's authors"
extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["README.md", "tools_README.md", "_build"]  # included by index.md and about.md

nb_execution_mode = "off"  # the notebooks make run executed, with their outputs
nb_ipywidgets_js = {}  # no require.js or widget library from a CDN
myst_heading_anchors = 3  # README links such as about.md#running-offline-what-the-loaders-check resolve

html_theme = "furo"
html_title = "ACV week 1"
html_copy_source = False  # search then works from file:// without fetching page sources
html_show_sphinx = False

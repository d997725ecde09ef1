# nbconvert settings for the course's HTML export (scripts/export.ts passes this with --config).
# Executes with the numbering, error-reporting preprocessor instead of `--execute`, and points
# the page's MathJax, require.js and jQuery at the site's own assets/ so pages work offline.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scratchnet_nbconvert import NumberedExecutePreprocessor  # noqa: E402

c = get_config()  # noqa: F821 (traitlets provides get_config)

c.Exporter.preprocessors = [NumberedExecutePreprocessor]
c.NumberedExecutePreprocessor.enabled = True
c.NumberedExecutePreprocessor.timeout = int(os.environ.get("SCRATCHNET_CELL_TIMEOUT", "600"))
c.NumberedExecutePreprocessor.startup_timeout = 120

# jupyter/templates/scratchnet extends nbconvert's lab/index.html.j2: title, navigation, landmarks, colours.
c.HTMLExporter.extra_template_basedirs = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")]
c.HTMLExporter.template_name = "scratchnet"
c.HTMLExporter.mathjax_url = "assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
c.HTMLExporter.require_js_url = "assets/require.js"
c.HTMLExporter.jquery_url = "assets/jquery.min.js"

# nbconvert 7 makes every output a Tab stop; those that show nothing lose it (scratchnet_nbconvert.py).
c.NbConvertApp.postprocessor_class = "scratchnet_nbconvert.DropEmptyFocus"

# nbconvert settings for the slides of notebooks that the export has just executed (read by
# scratchnet_nbconvert.write_slides, in the same process). nbconvert_config.py's settings,
# minus the execution; reveal.js 4 decks of the cells tagged for slides only, written to the site's
# slides/ folder, so every script comes from ../assets/ and nothing from the network.
import os

c = get_config()  # noqa: F821 (traitlets provides get_config)
load_subconfig(os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbconvert_config.py"))  # noqa: F821

c.Exporter.preprocessors = []

# jupyter/templates/scratchnet-slides extends reveal/index.html.j2; it includes scratchnet/a11y.css.
c.SlidesExporter.template_name = "scratchnet-slides"
c.SlidesExporter.extra_template_paths = [os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", "scratchnet")]
c.SlidesExporter.preprocessors = ["scratchnet_nbconvert.TaggedSlidesPreprocessor"]
c.SlidesExporter.reveal_url_prefix = "../assets/reveal.js"
c.SlidesExporter.reveal_theme = "white"  # the themes that import Google Fonts would go online
c.SlidesExporter.reveal_transition = "none"
c.SlidesExporter.reveal_number = "c/t"
c.SlidesExporter.reveal_scroll = True
c.SlidesExporter.mathjax_url = "../assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
c.SlidesExporter.require_js_url = "../assets/require.js"
c.SlidesExporter.jquery_url = "../assets/jquery.min.js"

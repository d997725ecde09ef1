"""nbconvert glue for the course: run tslab notebooks with numbered cells and real error text.

tslab sends no execute_input and its error replies carry no name or traceback (the text is on
the cell's stderr), so plain nbconvert shows `In [ ]:` and fails with an empty `<Error>: `.
NumberedExecutePreprocessor numbers the code cells itself and, when a cell fails, raises
NotebookCellError naming the notebook, the cell number, its source and the stderr text; it also
writes that message to $SCRATCHNET_ERROR_FILE so that scripts/export.ts can show it verbatim.
With $SCRATCHNET_EXECUTED_FILE set, it also saves the executed notebook there (tests read its
outputs); with $SCRATCHNET_SLIDES_FILE set, it renders the notebook's reveal.js deck there too
(settings from jupyter/nbconvert_slides_config.py), in the same process, so a notebook is executed
once and the export needs no second nbconvert run for the slides.
Loaded through jupyter/nbconvert_config.py (`jupyter nbconvert --config ...`).

TaggedSlidesPreprocessor makes a deck of the cells tagged for slides only (see
jupyter/nbconvert_slides_config.py): nbconvert would otherwise put every cell on some slide.
"""
import copy
import json
import os
import re

import nbformat
from traitlets.config.loader import PyFileConfigLoader

from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert.exporters import SlidesExporter
from nbconvert.postprocessors import PostProcessorBase
from nbconvert.preprocessors import ExecutePreprocessor, Preprocessor

SLIDES_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbconvert_slides_config.py")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class NotebookCellError(RuntimeError):
    """A code cell failed; the message is meant to be read by a person."""


class NumberedExecutePreprocessor(ExecutePreprocessor):
    """ExecutePreprocessor that numbers code cells 1, 2, ... and reports failures in full."""

    def preprocess(self, nb, resources=None, km=None):
        self._notebook_name = (resources or {}).get("metadata", {}).get("name", "notebook") + ".ipynb"
        # The page's title and neighbours, for jupyter/templates/scratchnet (from scripts/export.ts).
        page = json.loads(os.environ.get("SCRATCHNET_PAGE") or "{}")
        if page.get("title"):
            nb.metadata["title"] = page["title"]
        nb, resources = super().preprocess(nb, resources, km)
        resources["scratchnet"] = page
        path = os.environ.get("SCRATCHNET_EXECUTED_FILE")
        if path:
            nbformat.write(nb, path)
        slides = os.environ.get("SCRATCHNET_SLIDES_FILE")
        if slides:
            write_slides(nb, slides, page)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        number = self.code_cells_executed + 1
        try:
            cell = self.execute_cell(cell, index, execution_count=number, store_history=True)
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
            cell.execution_count = number
            raise self._failure(cell, number, err) from None
        # nbclient 0.11 copies the kernel's execution_count from its reply, which tslab leaves empty.
        cell.execution_count = number
        for output in cell.outputs:
            if "execution_count" in output:
                output["execution_count"] = number
        return cell, self.resources

    def _failure(self, cell, number, err):
        text = "".join(
            output.get("text", "")
            for output in cell.outputs
            if output.get("output_type") == "stream" and output.get("name") == "stderr"
        )
        for output in cell.outputs:
            if output.get("output_type") == "error":
                text += "\n".join(output.get("traceback") or [f"{output.get('ename')}: {output.get('evalue')}"])
        if isinstance(err, CellTimeoutError):
            text += f"\n(timed out after {self.timeout} s: ExecutePreprocessor.timeout)"
        elif isinstance(err, DeadKernelError):
            text += "\n(the kernel died)"
        text = ANSI.sub("", text).strip() or str(err).strip()
        message = (
            f"{self._notebook_name}: cell [{number}] failed\n"
            f"--- source of cell [{number}] ---\n{cell.source.rstrip()}\n"
            f"--- error ---\n{text}\n"
        )
        path = os.environ.get("SCRATCHNET_ERROR_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as f:
                f.write(message)
        return NotebookCellError(message)


def drop_empty_focus(html):
    """nbconvert 7 gives every output tabindex="0" (so that wide ones scroll by keyboard). An output
    that shows nothing (a cell whose output is only a <script>, such as the plotly.js loader) would
    then be an invisible stop in the Tab order: it loses its tabindex. Outputs with text, a picture,
    a plot or a widget keep theirs."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, features="html.parser")
    changed = False
    for elem in soup.select("div.jp-OutputArea-output[tabindex]"):
        text = "".join(s for s in elem.find_all(string=True) if s.parent.name not in ("script", "style")).strip()
        shown = text or elem.select_one("img, svg, canvas, iframe, video, table, [data-widget], div[id]")
        if not shown:
            del elem.attrs["tabindex"]
            changed = True
    return str(soup) if changed else html


class DropEmptyFocus(PostProcessorBase):
    """Applies drop_empty_focus to the page nbconvert has just written."""

    def postprocess(self, input):
        input = str(input)
        with open(input, encoding="utf-8") as f:
            html = f.read()
        fixed = drop_empty_focus(html)
        if fixed is not html:
            partial = input + ".partial"
            with open(partial, "w", encoding="utf-8") as f:
                f.write(fixed)
            os.replace(partial, input)


def write_slides(nb, path, page=None):
    """Renders the executed notebook `nb` (left as it is) to a reveal.js deck at `path`, written whole or not at all."""
    config = PyFileConfigLoader(os.path.basename(SLIDES_CONFIG), os.path.dirname(SLIDES_CONFIG)).load_config()
    name = os.path.basename(path).removesuffix(".slides.html")
    resources = {"metadata": {"name": name}, "scratchnet": dict(page or {}, scripts=[])}
    body, _ = SlidesExporter(config=config).from_notebook_node(copy.deepcopy(nb), resources=resources)
    body = drop_empty_focus(body)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as f:
        f.write(body)
    os.replace(partial, path)


class TaggedSlidesPreprocessor(Preprocessor):
    """Skips every cell that has no slide type, so that a deck holds only the cells tagged for it."""

    def preprocess(self, nb, resources):
        shown = []
        for cell in nb.cells:
            slideshow = cell.metadata.get("slideshow") or {}
            if not slideshow.get("slide_type"):
                cell.metadata["slideshow"] = {**slideshow, "slide_type": "skip"}
            for output in cell.get("outputs", []):
                html = output.get("data", {}).get("text/html")
                if html is None:
                    continue
                # The notebook ran for pages at the site's root; the deck lives in slides/.
                html = "".join(html).replace('src="assets/', 'src="../assets/')
                output["data"]["text/html"] = html
                if cell.metadata["slideshow"]["slide_type"] != "skip":
                    shown.append(html)
        # plotly.js and the widgets' bundle come with a session's first plot or widget, whose cell
        # may not be on a slide: then the deck loads them itself.
        text = "\n".join(shown)
        scripts = resources.setdefault("scratchnet", {}).setdefault("scripts", [])
        for marker, script in (('class="scratchnet-plot"', "../assets/plotly.min.js"), ("data-widget=", "../assets/widgets.js")):
            if marker in text and f'src="{script}"' not in text:
                scripts.append(script)
        return nb, resources

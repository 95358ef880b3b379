"""The book's figure code, one module per part (diagrams, timelines, charts of measured
numbers): the chapters' hidden figure cells import it. It is not an API and may change
with the chapters; figures several parts share are in :mod:`dlbook_code.plots`.

- :mod:`.reference`: the ILSVRC results table and its bar chart (Introduction, AlexNet);
- :mod:`._draw`: the drawing primitives (boxes, cells, arrows, numbers, blank canvases,
  graphs of boxes and arrows, shared colours).
"""

"""actionplans: a static site generator for the action plans prisons publish in answer to HMIP reports.

Modules in data-flow order: sources -> model -> loader -> urls -> indexes/links -> render -> build
-> search/serve; the importer turns published plan text into content YAML.
"""

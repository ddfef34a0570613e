"""The user-input layer: everything between what a user typed and a validated object.

One reader (:mod:`~calcium_abm.inputs.toml_reader`) for scenario files, batch files,
uploads and ``--set`` values; one wording of messages (:mod:`~calcium_abm.inputs.messages`:
field, value, what is allowed, did-you-mean); what each field accepts read from the
pydantic schema (:mod:`~calcium_abm.inputs.fields`); setting names
(:mod:`~calcium_abm.inputs.keys`); the scenario's sections
(:mod:`~calcium_abm.inputs.sections`); and the memory check the entry points make before a
run (:mod:`~calcium_abm.inputs.memory`). The scenario schema is assembled in
:mod:`calcium_abm.scenario`, the batch schema in :mod:`calcium_abm.batch.spec`.

Import direction: ``messages`` and ``toml_reader`` import nothing of the project but
:mod:`calcium_abm.errors`; ``fields`` -> ``sections`` -> ``keys`` -> the two error
translators; nothing here imports ``scenario`` or ``batch``.
"""

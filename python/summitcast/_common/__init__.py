"""The conventions every layer of summitcast shares, each in one place.

=================  =========================================================
module             convention
=================  =========================================================
``validation``     argument checks: TypeError for a wrong type, ValueError
                   for a wrong value, always naming the argument and value
``time``           the monthly index (month-start ``DatetimeIndex``,
                   ``freq="MS"``, named ``month``) and future months
``seeds``          one ``seed`` argument; child streams derived by name
``exceptions``     the warning hierarchy (``SummitcastWarning`` and kin)
``progress``       progress bars: tqdm on a terminal or in Jupyter, silent
                   in pipes
``summary``        one summary object with text and HTML forms
``paths``          ``ForecastPaths``, the one type for simulated futures
``threads``        the compiled core's default thread count (all; one per
                   task when tasks run side by side on an executor)
=================  =========================================================

Nothing here imports a model layer, so every layer may import from here.
"""

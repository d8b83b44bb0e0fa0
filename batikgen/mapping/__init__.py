"""BandFeatures + style -> MotifPlan: the mapping table and its schema, the one normalisation and
the map function (table, with the shipped default.toml), the motif pages' mapping blocks (docs)
and the typed plan (plan)."""

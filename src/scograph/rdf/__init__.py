"""RDF through rdflib: objects ⇄ triples, the networkx projection, datasets (TriG) and JSON-LD.

- :mod:`.mapping`: claims objects ⇄ RDF triples, both ways, from one table of field mappings;
- :mod:`.projection`: the claims graph as a networkx MultiDiGraph;
- :mod:`.datasets`: the graph split by source into named graphs, and TriG in a stable order;
- :mod:`.jsonld`: the graph's and an entity's JSON-LD.

None of this is on a lookup's path: lookups ask the store (:mod:`scograph.store`) by SPARQL.
"""

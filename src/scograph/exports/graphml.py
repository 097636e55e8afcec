"""GraphML, streamed: every key declared with its ``attr.type``."""

from __future__ import annotations

from typing import TextIO

from .escaping import xml_attr, xml_text
from .networks import Network


def write_graphml(network: Network, out: TextIO) -> tuple[int, int]:
    """Stream ``network`` as GraphML; every key declared with its ``attr.type``. Returns (nodes, edges)."""
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
              ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
              ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
              ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    for domain, prefix, schema in (("node", "n", network.node_attributes), ("edge", "e", network.edge_attributes)):
        for attribute in schema:
            out.write(f'  <key id={xml_attr(prefix + "_" + attribute.name)} for="{domain}"'
                      f' attr.name={xml_attr(attribute.name)} attr.type="{attribute.type}"/>\n')
    out.write(f'  <graph id={xml_attr(network.name)} edgedefault="{"directed" if network.directed else "undirected"}">\n')
    node_keys = [(a.name, f'      <data key="n_{a.name}">') for a in network.node_attributes]
    edge_keys = [(a.name, f'      <data key="e_{a.name}">') for a in network.edge_attributes]
    node_count = edge_count = 0
    write = out.write
    for node in network.nodes():
        node_count += 1
        write(f"    <node id={xml_attr(node.id)}>\n")
        attrs = node.attrs
        for name, opening in node_keys:
            if name in attrs:
                write(f"{opening}{xml_text(attrs[name])}</data>\n")
        write("    </node>\n")
    for edge in network.edges():
        write(f'    <edge id="e{edge_count}" source={xml_attr(edge.source)} target={xml_attr(edge.target)}>\n')
        edge_count += 1
        attrs = edge.attrs
        for name, opening in edge_keys:
            if name in attrs:
                write(f"{opening}{xml_text(attrs[name])}</data>\n")
        write("    </edge>\n")
    out.write("  </graph>\n</graphml>\n")
    return node_count, edge_count

package dev.ferry.config;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Expands YAML aliases and {@code <<} merge keys, which Dex's YAML 1.1 library resolves but
 * Jackson's YAML reader does not: it reads {@code *name} as the string {@code "name"}, so a {@code
 * secret: *shared} would silently become the secret {@code shared}. The first document is composed
 * with SnakeYAML, every alias replaced by a copy of its anchored node, every {@code <<} key merged
 * into its mapping (explicit keys win over merged ones, an earlier merged mapping over a later
 * one), and the result written back as YAML for Jackson to read as usual, so scalars keep the
 * typing Jackson gives them. Text that uses neither feature is returned unchanged.
 */
final class YamlAliases {
  /** Nodes an expansion may produce: ample for any config, and a stop to alias bombs. */
  static final int MAX_NODES = 100_000;

  /** An alias or merge key that cannot be expanded, with where it is (1-based). */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;
    final int column;

    Problem(String message, @Nullable Mark mark) {
      super(message);
      this.line = mark == null ? 0 : mark.getLine() + 1;
      this.column = mark == null ? 0 : mark.getColumn() + 1;
    }
  }

  private final IdentityHashMap<Node, Boolean> expanding = new IdentityHashMap<>();
  private final IdentityHashMap<Node, Boolean> seen = new IdentityHashMap<>();
  private boolean changed;
  private int nodes;

  private YamlAliases() {}

  /** {@code yaml} with aliases and merge keys expanded, or {@code yaml} itself without any. */
  static String expand(String yaml) throws Problem {
    if (yaml.indexOf('*') < 0 && !yaml.contains("<<")) {
      return yaml;
    }
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Math.max(options.getCodePointLimit(), yaml.length() + 1));
    options.setMaxAliasesForCollections(1_000);
    Node root;
    try {
      Iterator<Node> documents = new Yaml(options).composeAll(new StringReader(yaml)).iterator();
      if (!documents.hasNext()) {
        return yaml;
      }
      root = documents.next();
    } catch (MarkedYAMLException e) {
      throw new Problem(String.valueOf(e.getProblem()), e.getProblemMark());
    } catch (YAMLException e) {
      throw new Problem(String.valueOf(e.getMessage()), null);
    }
    YamlAliases expansion = new YamlAliases();
    Node expanded = expansion.copy(root);
    if (!expansion.changed) {
      return yaml; // a '*' or "<<" inside a value or a comment
    }
    DumperOptions dump = new DumperOptions();
    dump.setWidth(Integer.MAX_VALUE);
    dump.setSplitLines(false);
    dump.setAllowUnicode(true);
    StringWriter out = new StringWriter(yaml.length() * 2);
    new Yaml(dump).serialize(expanded, out);
    return out.toString();
  }

  /** A deep copy with no shared nodes (so no aliases) and no merge keys. */
  private Node copy(Node node) throws Problem {
    if (++nodes > MAX_NODES) {
      throw new Problem("aliases expand to more than " + MAX_NODES + " nodes", node.getStartMark());
    }
    if (seen.put(node, Boolean.TRUE) != null) {
      changed = true; // the composer shares an anchored node with its aliases
    }
    if (expanding.put(node, Boolean.TRUE) != null) {
      throw new Problem("an anchored node contains an alias to itself", node.getStartMark());
    }
    try {
      if (node instanceof ScalarNode scalar) {
        return new ScalarNode(
            scalar.getTag(),
            scalar.getValue(),
            scalar.getStartMark(),
            scalar.getEndMark(),
            scalar.getScalarStyle());
      }
      if (node instanceof SequenceNode sequence) {
        List<Node> items = new ArrayList<>(sequence.getValue().size());
        for (Node item : sequence.getValue()) {
          items.add(copy(item));
        }
        return new SequenceNode(
            sequence.getTag(),
            true,
            items,
            sequence.getStartMark(),
            sequence.getEndMark(),
            sequence.getFlowStyle());
      }
      MappingNode mapping = (MappingNode) node;
      List<NodeTuple> own = new ArrayList<>();
      List<MappingNode> merged = new ArrayList<>();
      for (NodeTuple tuple : mapping.getValue()) {
        if (Tag.MERGE.equals(tuple.getKeyNode().getTag())) {
          changed = true;
          merged.addAll(mergeSources(copy(tuple.getValueNode()), tuple.getKeyNode()));
        } else {
          own.add(new NodeTuple(copy(tuple.getKeyNode()), copy(tuple.getValueNode())));
        }
      }
      List<NodeTuple> tuples = new ArrayList<>(own);
      Map<String, Boolean> present = new HashMap<>();
      for (NodeTuple tuple : own) {
        keyOf(tuple).ifPresent(key -> present.put(key, Boolean.TRUE));
      }
      for (MappingNode source : merged) {
        for (NodeTuple tuple : source.getValue()) {
          Optional<String> key = keyOf(tuple);
          if (key.isEmpty() || present.put(key.get(), Boolean.TRUE) == null) {
            tuples.add(tuple);
          }
        }
      }
      return new MappingNode(
          mapping.getTag(),
          true,
          tuples,
          mapping.getStartMark(),
          mapping.getEndMark(),
          mapping.getFlowStyle());
    } finally {
      expanding.remove(node);
    }
  }

  private static List<MappingNode> mergeSources(Node value, Node mergeKey) throws Problem {
    List<MappingNode> sources = new ArrayList<>();
    if (value instanceof MappingNode mapping) {
      sources.add(mapping);
      return sources;
    }
    if (value instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        if (!(item instanceof MappingNode mapping)) {
          throw mergeProblem(mergeKey);
        }
        sources.add(mapping);
      }
      return sources;
    }
    throw mergeProblem(mergeKey);
  }

  private static Problem mergeProblem(Node mergeKey) {
    return new Problem(
        "map merge requires map or sequence of maps as the value", mergeKey.getStartMark());
  }

  private static Optional<String> keyOf(NodeTuple tuple) {
    return tuple.getKeyNode() instanceof ScalarNode scalar
        ? Optional.of(scalar.getValue())
        : Optional.empty();
  }
}

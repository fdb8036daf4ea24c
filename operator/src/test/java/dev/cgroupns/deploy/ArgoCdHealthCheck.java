package dev.cgroupns.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * Runs the Argo CD health check script the way Argo CD does: the resource as the global {@code
 * obj}, JSON numbers as Lua numbers, and the returned table's status and message as the verdict.
 */
final class ArgoCdHealthCheck {

  record Verdict(String status, String message) {}

  static final Path SCRIPT =
      RepositoryLayout.manifests().resolve("argocd").resolve("health-cgroupisolation.lua");

  private final String script;

  ArgoCdHealthCheck() {
    try {
      this.script = Files.readString(SCRIPT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String script() {
    return script;
  }

  Verdict assess(JsonNode resource) {
    // A fresh interpreter per call: no state can leak from one resource to the next.
    Globals globals = JsePlatform.standardGlobals();
    globals.set("obj", toLua(resource));
    LuaValue result = globals.load(script, "health-cgroupisolation.lua").call();
    if (!result.istable()) {
      throw new AssertionError("the health check returned " + result + ", not a table");
    }
    return new Verdict(
        result.get("status").optjstring(null), result.get("message").optjstring(null));
  }

  private static LuaValue toLua(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return LuaValue.NIL;
    }
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        table.set(field.getKey(), toLua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < node.size(); i++) {
        table.set(i + 1, toLua(node.get(i)));
      }
      return table;
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return LuaValue.valueOf(node.asText());
  }
}

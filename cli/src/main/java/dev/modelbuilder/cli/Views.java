package dev.modelbuilder.cli;

import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.Workspace;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON shapes of the domain objects, so that the tool's output does not follow internal field names. */
final class Views {
    private Views() {
    }

    static Map<String, Object> workspace(Workspace w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", w.name());
        m.put("region", w.region());
        m.put("resourceGroup", w.resourceGroup());
        m.put("id", w.id());
        m.put("provisioningState", w.provisioningState());
        m.put("portalUrl", w.portalUrl());
        m.put("tags", w.tags());
        return m;
    }

    static Map<String, Object> compute(Compute c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("workspace", c.workspace());
        m.put("size", c.sizeName());
        m.put("minNodes", c.minNodes());
        m.put("maxNodes", c.maxNodes());
        m.put("idleTimeBeforeScaleDown", c.idleTimeBeforeScaleDown() == null ? null
                : c.idleTimeBeforeScaleDown().toString());
        m.put("tier", c.tier() == null ? null : c.tier().serviceName());
        m.put("state", c.state().value());
        m.put("currentNodes", c.currentNodes());
        m.put("id", c.id());
        return m;
    }

    static Map<String, Object> experiment(Experiment e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("workspace", e.workspace());
        m.put("createdAt", e.createdAt() == null ? null : e.createdAt().toString());
        return m;
    }

    static Map<String, Object> run(Run r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("experiment", r.experiment());
        m.put("workspace", r.workspace());
        m.put("status", r.status().value());
        m.put("createdAt", r.createdAt() == null ? null : r.createdAt().toString());
        m.put("startedAt", r.startedAt() == null ? null : r.startedAt().toString());
        m.put("endedAt", r.endedAt() == null ? null : r.endedAt().toString());
        m.put("duration", duration(r) == null ? null : duration(r).toString());
        m.put("portalUrl", r.portalUrl());
        m.put("metrics", new java.util.TreeMap<>(r.metrics()));
        r.failure().ifPresent(e -> {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("code", e.code());
            err.put("message", e.message());
            err.put("step", e.step() == null ? null : e.step().displayName());
            m.put("error", err);
        });
        return m;
    }

    static Map<String, Object> model(TrainedModel t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("directory", t.directory().toString());
        m.put("onnxModel", t.onnxModel().toString());
        m.put("labelMap", t.labelMap().toString());
        m.put("pipeline", t.pipeline().toString());
        m.put("labels", t.labels());
        m.put("runId", t.runId());
        m.put("metrics", new java.util.TreeMap<>(t.metrics()));
        return m;
    }

    /** @return from start to end, or {@code null} unless both are known */
    static java.time.Duration duration(Run r) {
        return r.startedAt() == null || r.endedAt() == null ? null
                : java.time.Duration.between(r.startedAt(), r.endedAt());
    }

    static String describe(Run r) {
        StringBuilder b = new StringBuilder();
        b.append(r.id()).append("  ").append(r.status()).append("  experiment ").append(r.experiment());
        if (r.createdAt() != null) {
            b.append("  created ").append(r.createdAt());
        }
        if (r.startedAt() != null) {
            b.append("\n  started ").append(r.startedAt());
            if (r.endedAt() != null) {
                b.append("  ended ").append(r.endedAt()).append("  took ").append(duration(r).toString()
                        .substring(2).toLowerCase(java.util.Locale.ROOT));
            }
        } else if (r.endedAt() != null) {
            b.append("\n  ended ").append(r.endedAt());
        }
        r.portalLink().ifPresent(l -> b.append("\n  portal: ").append(l));
        if (!r.metrics().isEmpty()) {
            b.append("\n  metrics: ").append(new java.util.TreeMap<>(r.metrics()));
        }
        r.failure().ifPresent(e -> b.append("\n  error: ").append(e.describe()));
        return b.toString();
    }
}

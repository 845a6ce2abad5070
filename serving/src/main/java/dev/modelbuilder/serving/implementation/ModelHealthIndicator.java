package dev.modelbuilder.serving.implementation;

import dev.modelbuilder.serving.ServedModel;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Actuator's view of the model: DOWN while it loads or when its load failed, UP once predictions are served. */
public final class ModelHealthIndicator implements HealthIndicator {
    private final ServedModel model;

    /** @param model the served model */
    public ModelHealthIndicator(ServedModel model) {
        this.model = model;
    }

    @Override
    public Health health() {
        ServedModel.Status status = model.status();
        Health.Builder health = status == ServedModel.Status.READY ? Health.up() : Health.down();
        health.withDetail("model", model.name()).withDetail("state", status.name());
        if (status == ServedModel.Status.READY) {
            health.withDetail("sha256", model.sha256());
        }
        return health.build();
    }
}

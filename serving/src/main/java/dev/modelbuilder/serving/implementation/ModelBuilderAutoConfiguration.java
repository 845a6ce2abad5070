package dev.modelbuilder.serving.implementation;

import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.serving.ModelBuilderProperties;
import dev.modelbuilder.serving.ServedModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.io.ResourceLoader;

/**
 * The starter's auto-configuration (listed in {@code META-INF/spring/...AutoConfiguration.imports}; exclude it by this
 * name). Serves the MLModel.zip named by {@code modelbuilder.model}: a {@link ServedModel} that loads it in the background
 * and closes it on shutdown, a {@link PredictionEngine} bean for the application's own code, an Actuator health
 * indicator ({@code modelBuilder}: DOWN until the model is loaded), Micrometer metrics ({@code modelbuilder.predictions},
 * {@code modelbuilder.images.refused}), and, unless {@code modelbuilder.server.enabled=false}, the HTTP endpoints
 * with problem-details errors for every failure, the container's own included.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
@EnableConfigurationProperties(ModelBuilderProperties.class)
public class ModelBuilderAutoConfiguration {
    /** How long a bean that injects the engine waits for the model to load. */
    static final Duration ENGINE_WAIT = Duration.ofMinutes(10);

    /** Spring creates it. */
    public ModelBuilderAutoConfiguration() {
    }

    /**
     * @param properties the settings
     * @param resources resolves {@code classpath:} and {@code file:} locations
     * @return the served model, loading
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ServedModel modelBuilderServedModel(ModelBuilderProperties properties, ResourceLoader resources) {
        ServedModel model = new ServedModel(properties, resources);
        model.start();
        return model;
    }

    /**
     * The engine, for the application's own code: created when first injected, which waits for the model to load.
     * The served model closes it.
     *
     * @param model the served model
     * @return its engine
     */
    @Bean(destroyMethod = "")
    @Lazy
    @ConditionalOnMissingBean
    public PredictionEngine modelBuilderPredictionEngine(ServedModel model) {
        return model.awaitEngine(ENGINE_WAIT);
    }

    /** The health indicator, where Actuator's health support is on the class path. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "modelBuilderHealthIndicator")
        ModelHealthIndicator modelBuilderHealthIndicator(ServedModel model) {
            return new ModelHealthIndicator(model);
        }
    }

    /** The endpoints and their error handling. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnBooleanProperty(name = "modelbuilder.server.enabled", matchIfMissing = true)
    static class Web {
        @Bean
        ServingMetrics modelBuilderServingMetrics(ObjectProvider<MeterRegistry> registry) {
            return new ServingMetrics(registry.getIfAvailable());
        }

        @Bean
        ImageGate modelBuilderImageGate(ModelBuilderProperties properties) {
            return new ImageGate(properties.server().maxImageSize().toBytes(), properties.server().maxPixels());
        }

        @Bean
        Problems modelBuilderProblems(ServingMetrics metrics, ModelBuilderProperties properties) {
            return new Problems(metrics, ServingEnvironment.maxPartCount(properties.server().maxBatchImages()));
        }

        @Bean
        PredictionController modelBuilderPredictionController(ServedModel model, ImageGate gate,
                ModelBuilderProperties properties, ServingMetrics metrics) {
            return new PredictionController(model, gate, properties.server().maxBatchImages(), metrics,
                    SdkVersion.get());
        }

        @Bean
        ProblemAdvice modelBuilderProblemAdvice(Problems problems) {
            return new ProblemAdvice(problems);
        }

        @Bean
        @ConditionalOnMissingBean(ErrorController.class)
        ProblemErrorController modelBuilderErrorController(Problems problems,
                ObjectProvider<ErrorAttributes> errorAttributes) {
            return new ProblemErrorController(problems, errorAttributes.getIfAvailable());
        }

        @Bean
        @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
        ProblemReportValveInstaller modelBuilderProblemReportValve() {
            return new ProblemReportValveInstaller();
        }

        @Bean
        @ConditionalOnClass(name = "org.apache.catalina.startup.Tomcat")
        RequestDeadlineValveInstaller modelBuilderRequestDeadlineValve(ModelBuilderProperties properties) {
            return new RequestDeadlineValveInstaller(properties.server().requestTimeout());
        }
    }
}

package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.core.exception.ValidationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The batch job's options, exactly as the issue names them. */
class BatchArgumentsTest {
    @Test
    void everyOptionWithItsDefault() {
        BatchArguments o = BatchArguments.parse("--model", "abfss://m@a.dfs.core.windows.net/MLModel.zip", "--input",
                "photos/*/*.jpg", "--output", "out");
        assertThat(o).isEqualTo(new BatchArguments("abfss://m@a.dfs.core.windows.net/MLModel.zip", "photos/*/*.jpg",
                "out", "parquet", 8, false, null));

        BatchArguments all = BatchArguments.parse("--model=m.zip", "--input", "in", "--output", "out", "--format", "CSV",
                "--batch-size", "32", "--fail-on-error", "--master", "local[2]");
        assertThat(all).isEqualTo(new BatchArguments("m.zip", "in", "out", "csv", 32, true, "local[2]"));
    }

    @Test
    void everyProblemInOneMessage() {
        assertThatThrownBy(() -> BatchArguments.parse("--input", "--output", "o", "--format", "avro", "--batch-size",
                "many", "--verbose"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("option --input is missing: give a value after it")
                .hasMessageContaining("option '--verbose' is invalid")
                .hasMessageContaining("--model is missing")
                .hasMessageContaining("--format 'avro' is invalid: use parquet, json or csv")
                .hasMessageContaining("--batch-size 'many' is invalid")
                .satisfies(e -> assertThat(((ValidationException) e).violations()).hasSize(6));
        assertThatThrownBy(() -> BatchArguments.parse("--model", "m", "--input", "i", "--output", "o",
                "--fail-on-error=yes")).hasMessageContaining("it takes no value");
    }
}

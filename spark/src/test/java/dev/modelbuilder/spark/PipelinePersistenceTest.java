package dev.modelbuilder.spark;

import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The stage saves and loads alone and inside a PipelineModel, with every parameter, and scores the same after. */
class PipelinePersistenceTest {
    @TempDir
    Path dir;

    @Test
    void aPipelineModelWithTheStageSavesLoadsAndScoresTheSame() throws Exception {
        SparkSession spark = SparkTestSupport.spark();
        Path zip = SparkTestSupport.fixturePackage(dir.resolve("model"));
        Path images = SparkTestSupport.fixtureImages(dir);
        Map<String, Prediction> expected = SparkTestSupport.inProcess(zip, ImageClassificationFixtures.imageFiles());

        ImageClassifier classifier = new ImageClassifier().setModelPath(zip.toUri().toString()).setInputCol("bytes")
                .setLabelCol("predicted").setTopK(2).setBatchSize(5).setFailOnError(false);
        SQLTransformer rename = new SQLTransformer().setStatement("SELECT path, content AS bytes FROM __THIS__");
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {rename, classifier}).fit(files);
        String saved = dir.resolve("pipeline").toString();
        model.write().save(saved);

        PipelineModel loaded = PipelineModel.load(saved);
        Transformer stage = loaded.stages()[1];
        assertThat(stage).isInstanceOf(ImageClassifier.class);
        ImageClassifier back = (ImageClassifier) stage;
        assertThat(back.uid()).isEqualTo(classifier.uid());
        assertThat(back.getModelPath()).isEqualTo(classifier.getModelPath());
        assertThat(back.getInputCol()).isEqualTo("bytes");
        assertThat(back.getLabelCol()).isEqualTo("predicted");
        assertThat(back.getTopK()).isEqualTo(2);
        assertThat(back.getBatchSize()).isEqualTo(5);
        assertThat(back.explainParams()).isEqualTo(classifier.explainParams());

        List<Row> rows = loaded.transform(files).drop("bytes").collectAsList();
        assertThat(rows).hasSize(8);
        for (Row row : rows) {
            String name = SparkTestSupport.fileName(row.getAs("path"));
            assertThat(row.<String>getAs("predicted")).isEqualTo(expected.get(name).label());
            assertThat(row.getList(row.fieldIndex("topK"))).hasSize(2);
        }

        // the stage alone, too
        String alone = dir.resolve("stage").toString();
        classifier.write().save(alone);
        assertThat(ImageClassifier.load(alone).explainParams()).isEqualTo(classifier.explainParams());
    }
}

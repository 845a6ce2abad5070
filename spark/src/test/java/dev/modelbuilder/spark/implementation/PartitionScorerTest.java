package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.spark.SparkTestSupport;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A partition is read, decoded and scored a batch of rows at a time, and streams: never held whole. */
class PartitionScorerTest {
    @TempDir
    Path dir;

    @Test
    void rowsAreTakenBatchSizeAtATimeAndScoredTogether() {
        Path zip = SparkTestSupport.fixturePackage(dir.resolve("model"));
        Path images = SparkTestSupport.fixtureImages(dir);
        List<Row> rows = new ArrayList<>();
        List<Path> fixtures = ImageClassificationFixtures.imageFiles();
        for (int i = 0; i < 10; i++) {
            rows.add(RowFactory.create(images.resolve(fixtures.get(i % fixtures.size()).getFileName()).toString()));
        }
        Configuration conf = new Configuration();
        PackageRef ref = ModelPackages.check(zip.toString(), conf, null).ref();
        Broadcast<SerializableConfiguration> hadoop = JavaSparkContext
                .fromSparkContext(SparkTestSupport.spark().sparkContext())
                .broadcast(new SerializableConfiguration(conf));
        PartitionScorer scorer = new PartitionScorer(
                new PartitionScorer.Plan(ref, 0, false, 0, 4, 1, false, 0, false, false), hadoop);
        CountingIterator input = new CountingIterator(rows.iterator());

        Iterator<Row> out = scorer.call(input);

        // taken from the input as the output is asked for: 4, then 4 more, then the last 2
        List<Integer> takenBeforeEachRow = new ArrayList<>();
        while (out.hasNext()) {
            takenBeforeEachRow.add(input.taken);
            Row row = out.next();
            assertThat(row.isNullAt(row.length() - 1)).as("error of %s: %s", row.get(0), row.get(row.length() - 1))
                    .isTrue();
            assertThat(row.getString(1)).as("label of " + row.get(0)).isNotBlank();
        }
        assertThat(takenBeforeEachRow).containsExactly(4, 4, 4, 4, 8, 8, 8, 8, 10, 10);
    }

    /** The partition's rows, counting how many the scorer has taken. */
    private static final class CountingIterator implements Iterator<Row> {
        private final Iterator<Row> rows;
        private int taken;

        CountingIterator(Iterator<Row> rows) {
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            return rows.hasNext();
        }

        @Override
        public Row next() {
            taken++;
            return rows.next();
        }
    }
}

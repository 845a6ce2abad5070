/**
 * What the modules' tests share (test scope only, never published): the image and model fixtures with their
 * reference outputs ({@link dev.modelbuilder.testdata.ImageClassificationFixtures},
 * {@link dev.modelbuilder.testdata.DecodingFixtures}), generated hostile inputs ({@link dev.modelbuilder.testdata.Bombs})
 * and the architecture rules every module's {@code ArchitectureTest} runs
 * ({@link dev.modelbuilder.testdata.ArchitectureRules}).
 */
package dev.modelbuilder.testdata;

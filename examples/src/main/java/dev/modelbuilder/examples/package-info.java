/**
 * Runnable examples of the SDK's public API, one {@code main} per task: train and score on the local backend
 * ({@link dev.modelbuilder.examples.LocalTrainAndScore}), on Azure Machine Learning
 * ({@link dev.modelbuilder.examples.AzureTrainAndScore}), score an existing {@code MLModel.zip}
 * ({@link dev.modelbuilder.examples.ScoreModel}) and generate the starter projects
 * ({@link dev.modelbuilder.examples.GenerateProjects}). They use nothing but public API, so they compile against what
 * a user's application sees.
 */
package dev.modelbuilder.examples;

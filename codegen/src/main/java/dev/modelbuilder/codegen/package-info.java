/**
 * Generates starter Maven projects for a trained model: {@link dev.modelbuilder.codegen.ProjectGenerator} writes the
 * {@code <Name>.Model} library, the {@code <Name>.ConsoleApp} and, on request, the {@code <Name>.WebApi}, which build
 * and run as emitted; {@link dev.modelbuilder.codegen.GeneratedProjects} says where they are.
 */
package dev.modelbuilder.codegen;

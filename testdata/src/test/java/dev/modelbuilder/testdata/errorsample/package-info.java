/** A sample public API that breaks the error rule, checked by {@code ApiErrorRulesTest}. */
package dev.modelbuilder.testdata.errorsample;

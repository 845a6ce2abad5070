package dev.modelbuilder.azure.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/** Marks a test class that uses Azurite: tagged {@code azurite}, with {@link AzuriteExtension}. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("azurite")
@ExtendWith(AzuriteExtension.class)
public @interface AzuriteTest {
}

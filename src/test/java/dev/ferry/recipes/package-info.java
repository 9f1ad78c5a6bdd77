/**
 * Tests that run the recipes under {@code docs/recipes/} as they are written, against a real
 * running Ferry and faithful stand-ins for the platforms. Test code only.
 */
@NullMarked
package dev.ferry.recipes;

import org.jspecify.annotations.NullMarked;

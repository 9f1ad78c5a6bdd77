/**
 * The recipes of {@code docs/recipes/}, run as users run them: each test reads the recipe files
 * themselves (never a copy), simulates the platform around them (a GitHub runner, a GitLab job, a
 * pod, kubectl) and runs their shell against a real Ferry started from the recipe's config.
 */
@NullMarked
package dev.ferry.recipes;

import org.jspecify.annotations.NullMarked;

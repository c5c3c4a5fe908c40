/**
 * Where the app joins the two libraries: ragtune-model's T5 behind ragtune-rag's {@code Generator} seam. The only
 * package that sees both modules.
 */
package dev.ragtune.app.wiring;

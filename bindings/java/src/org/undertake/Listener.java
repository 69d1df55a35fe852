package org.undertake;

/**
 * Told after every fire on any case of an engine, accepted or refused (not for events replayed
 * by a restore), on the firing thread, after the case changed: contract copies to departments,
 * notifications. It must be thread-safe when the engine is shared by threads; it must not fire
 * on or close the case being fired. An exception it throws is logged and ignored: the event
 * stands.
 */
@FunctionalInterface
public interface Listener {
  void fired(String caseId, String event, Outcome outcome);
}

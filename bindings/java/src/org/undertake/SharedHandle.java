package org.undertake;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * A library handle that many threads may use at once (an engine, a store): calls hold the read
 * lock, close takes the write lock only to take the handle away, so no call ever runs on a freed
 * handle. Also the {@link Cleaner} action of the object that owns it, so it must never refer to
 * that object; it keeps the callbacks the library may call ({@link #keep}) until the handle is
 * closed.
 */
final class SharedHandle implements Runnable {
  static final Cleaner CLEANER = Cleaner.create();

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Consumer<Pointer> close;
  private final String what;
  private Pointer handle; // guarded by lock
  private final List<Object> kept = new ArrayList<>(); // guarded by itself

  SharedHandle(Pointer handle, Consumer<Pointer> close, String what) {
    this.handle = handle;
    this.close = close;
    this.what = what;
  }

  /** The handle, with the read lock held: pair with {@link #release()} in a finally block. */
  Pointer acquire() {
    lock.readLock().lock();
    Pointer h = handle;
    if (h == null) {
      lock.readLock().unlock();
      throw new ClosedException("the " + what + " is closed");
    }
    return h;
  }

  void release() {
    lock.readLock().unlock();
  }

  /** Keeps a callback reachable for as long as the library may call it. */
  void keep(Object callback) {
    synchronized (kept) {
      kept.add(callback);
    }
  }

  boolean closed() {
    lock.readLock().lock();
    try {
      return handle == null;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Closes the handle once. The handle is taken away under the write lock (waiting for the calls
   * in flight on it) and closed outside it, so a callback of a call that ut_engine_close waits
   * for gets a ClosedException instead of a deadlock.
   */
  /**
   * Refuses to close from a callback of a call on this handle (the close would wait for that very
   * call). Checked before the Cleaner's clean(), which runs the action only once.
   */
  void checkNotInCall() {
    if (lock.getReadHoldCount() > 0) {
      throw new IllegalStateException(
          "the " + what + " cannot be closed from a callback of a call on it");
    }
  }

  @Override
  public void run() {
    Pointer h;
    lock.writeLock().lock();
    try {
      h = handle;
      handle = null;
    } finally {
      lock.writeLock().unlock();
    }
    if (h != null)
      close.accept(h);
    synchronized (kept) {
      kept.clear();
    }
  }
}

package dev.ferry.endpoint;

import dev.ferry.storage.Storage;
import dev.ferry.storage.StorageException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;

/**
 * A storage that forwards to a real one but fails chosen calls with {@link StorageException}, as a
 * database that went away would. The fault can be switched on and off.
 */
public final class FaultyStorage {
  private FaultyStorage() {}

  /**
   * @param failWhen given the method name and the first argument (or null), whether to fail
   */
  public static Storage wrap(
      Storage delegate, AtomicBoolean enabled, BiPredicate<String, Object> failWhen) {
    return (Storage)
        Proxy.newProxyInstance(
            Storage.class.getClassLoader(),
            new Class<?>[] {Storage.class},
            (proxy, method, args) -> {
              Object first = args == null || args.length == 0 ? null : args[0];
              if (enabled.get() && failWhen.test(method.getName(), first)) {
                throw new StorageException("database is down");
              }
              try {
                return method.invoke(delegate, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}

package io.pgrunbooks.api.auth;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers on every response of the page and the API: the approvals page approves destructive steps, so no other
 * site may frame it (clickjacking) or run scripts in it, and no cache keeps evidence or decisions.
 */
public final class SecurityHeaders implements Filter {
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (response instanceof HttpServletResponse http) {
      http.setHeader("X-Frame-Options", "DENY");
      http.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
      http.setHeader("X-Content-Type-Options", "nosniff");
      http.setHeader("Cache-Control", "no-store");
    }
    chain.doFilter(request, response);
  }
}

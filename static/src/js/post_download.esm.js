import {download} from "@web/core/network/download";
import {registry} from "@web/core/registry";

/**
 * Download a file from a route that writes something (e.g. a privacy log
 * line): by POST, with the CSRF token, never by a plain link.
 */
async function travelPostDownload(env, action) {
  env.services.ui.block();
  try {
    await download({url: action.params.url, data: {}});
  } finally {
    env.services.ui.unblock();
  }
}

registry.category("actions").add("travel_customer.post_download", travelPostDownload);

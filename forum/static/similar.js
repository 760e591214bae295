// "Has another city asked this already?" as the member types a new thread's title. The same endpoint
// as the form's "Check for similar threads first" button (which works without JavaScript): the form is
// posted with that button's name, only the title and the CSRF token, and asks for the list alone.
(function () {
  "use strict";
  var box = document.getElementById("similar-threads");
  var title = document.getElementById("title");
  var form = title && title.form;
  if (!box || !form || !window.fetch || !window.FormData) { return; }
  var timer = null, asked = "";
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var value = title.value.trim();
      if (value === asked || value.length < 4) { return; }
      asked = value;
      var data = new FormData();
      data.append("title", value.slice(0, 200));
      data.append("check_similar", "1");
      data.append("fragment", "1");
      var token = form.querySelector("input[name=csrf_token]");
      if (token) { data.append("csrf_token", token.value); }
      fetch(form.getAttribute("action") || window.location.href,
            {method: "POST", body: data, credentials: "same-origin"})
        // A redirect (the session ended: the login page) or an error is no list to show.
        .then(function (response) { return response.ok && !response.redirected ? response.text() : ""; })
        .then(function (html) { if (value === asked) { box.innerHTML = html; } })
        .catch(function () {});
    }, 400);
  });
})();

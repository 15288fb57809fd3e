"""The hand-over form, shared by a professional's "Overdrag mine opgaver" and the coordinator's page for one who left.

Each open item has a select `item-<id>`: keep it, a professional in the family, or a new one named in the
form's three fields (changes/handovers.py checks every choice).
"""
from flask import request
from wtforms import StringField

from .forms import PortalForm
from ..data.changes.handovers import NEW
from ..i18n import N_

ITEM_PREFIX = "item-"


class HandoverForm(PortalForm):
    new_name = StringField(N_("Navn"))
    new_email = StringField(N_("E-mail"), description=N_("Personens egen e-mail. Invitationen sendes dertil."))
    new_organisation = StringField(N_("Organisation eller afdeling"),
                                   description=N_("Fx Demoby Skole, PPR eller Jobcentret."))

    @staticmethod
    def choices():
        """{item id: "" | person id | NEW} as posted."""
        return {int(key[len(ITEM_PREFIX):]): value for key, value in request.form.items()
                if key.startswith(ITEM_PREFIX) and key[len(ITEM_PREFIX):].isdigit()}

    def new_person(self):
        return {"name": self.new_name.data, "email": self.new_email.data, "organisation": self.new_organisation.data}


def successor_options(successors):
    """The select's choices after "keep it": each professional who may take over, then a new one."""
    return [("", N_("Behold den"))] + [
        (str(p["id"]), f"{p['name']} ({p['organisation']})") for p in successors] + [(NEW, N_("En ny fagperson (skriv herunder)"))]

from django.shortcuts import render
from django.urls import path

ITEMS = [{"name": f"Item {i}", "price": f"{i}.99"} for i in range(20)]


def page(request):
    return render(request, "floor.html", {"items": ITEMS})


urlpatterns = [path("", page)]
